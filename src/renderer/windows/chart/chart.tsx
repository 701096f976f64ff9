import '../../styles/app.css';
import { boot } from '../../app/boot';
import { ChartWindow, readChartParams } from './chart-window';

const params = readChartParams(location.search);
boot(() => <ChartWindow params={params} />);
