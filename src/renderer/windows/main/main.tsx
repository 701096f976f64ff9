import '../../styles/app.css';
import { boot } from '../../app/boot';
import { MainWindow } from './main-window';

boot(() => <MainWindow />);
